<?php
/*
 * Give Cacti data sources a deterministic history, in Cacti's own RRD files
 * (run as www-data):  php backfill.php SPAN RRA_DIR LOCAL_DATA_ID...
 *
 * Each data source's RRD file is moved to RRA_DIR (its data_source_path in
 * the DB becomes absolute, so the lab never writes to /var/lib/cacti/rra),
 * recreated with the exact command Cacti itself uses, except that
 * `--start 0` (rrdtool reads it as today 00:00) becomes now-SPAN, and then
 * filled with one update per step up to the last full step.
 *
 * The rate of data source L's DS number d (0-based, in the file's order)
 * at time t is a pure function of t, so tests can predict it:
 *     A = L + 10 * (d + 1)
 *     r = A + round(A / 2 * sin(2 * pi * t / 3600))
 * folded into the DS's range (r mod (max + 1) when the DS has a maximum).
 * GAUGE stores r; COUNTER and DERIVE store a running total whose rate is r;
 * ABSOLUTE stores r * step.
 */
include('/usr/share/cacti/site/include/cli_check.php');
include_once($config['base_path'] . '/lib/rrd.php');

if ($argc < 4) {
	fwrite(STDERR, "usage: backfill.php SPAN RRA_DIR LOCAL_DATA_ID...\n");
	exit(2);
}
$span = (int)$argv[1];
$dir  = rtrim($argv[2], '/');
$ids  = array_map('intval', array_slice($argv, 3));
$now  = time();

/* Pass 1: absolute paths in RRA_DIR. Done before anything asks for a path,
   because get_data_source_path() caches what it returns. */
foreach ($ids as $id) {
	$path = db_fetch_cell_prepared('SELECT data_source_path FROM data_template_data
		WHERE local_data_id = ?', array($id));
	if ($path == '') {
		$path = generate_data_source_path($id);
	} elseif (strpos($path, '/') === false) {
		$path = '<path_rra>/' . $path;
	}
	$path = str_replace('<path_rra>/', $dir . '/', $path);
	db_execute_prepared('UPDATE data_template_data SET data_source_path = ?
		WHERE local_data_id = ?', array($path, $id));
}

/* Pass 2: create and fill. */
foreach ($ids as $id) {
	$src = rrdtool_function_create($id, true);
	if (!is_string($src) || strpos($src, '--start 0') === false) {
		fwrite(STDERR, "backfill: no create command for local_data_id $id\n");
		exit(1);
	}
	$src  = str_replace(array(" \\\n", "\\\n", "\n"), ' ', $src);
	$step = (int)preg_replace('/.*--step (\d+).*/s', '$1', $src);
	if ($step <= 0) {
		fwrite(STDERR, "backfill: no step for local_data_id $id\n");
		exit(1);
	}
	$start = intdiv($now - $span, $step) * $step;
	$cmd   = str_replace('--start 0', '--start ' . $start, $src);
	$file  = get_data_source_path($id, true);
	if (file_exists($file)) {
		unlink($file);
	}
	exec($cmd . ' 2>&1', $out, $rc);
	if ($rc != 0) {
		fwrite(STDERR, "backfill: create failed: " . implode("\n", $out) . "\n");
		exit(1);
	}

	preg_match_all('/DS:[^:]+:([A-Z]+):[^:]+:([^: ]+):([^: ]+)/', $src, $m);
	$types = $m[1];
	$max   = $m[3];
	$nds   = count($types);
	$total = array_fill(0, $nds, 0);
	$rows  = array();
	for ($t = $start + $step; $t <= $now - $step; $t += $step) {
		$v = array();
		for ($d = 0; $d < $nds; $d++) {
			$a = $id + 10 * ($d + 1);
			$r = $a + (int)round($a / 2 * sin(2 * M_PI * $t / 3600));
			if (is_numeric($max[$d]) && $r > $max[$d]) {
				$r = $r % ((int)$max[$d] + 1);
			}
			switch ($types[$d]) {
			case 'COUNTER':
			case 'DERIVE':
				$total[$d] += $r * $step;
				$v[] = $total[$d];
				break;
			case 'ABSOLUTE':
				$v[] = $r * $step;
				break;
			default:
				$v[] = $r;
			}
		}
		$rows[] = $t . ':' . implode(':', $v);
	}
	/* no shell: one command line this long would exceed the kernel's
	   limit for a single argument (sh -c "...") */
	foreach (array_chunk($rows, 2000) as $chunk) {
		$p = proc_open(array_merge(array('/usr/bin/rrdtool', 'update', $file), $chunk),
			array(1 => array('pipe', 'w'), 2 => array('pipe', 'w')), $pipes);
		if (!is_resource($p)) {
			fwrite(STDERR, "backfill: cannot run rrdtool\n");
			exit(1);
		}
		$err = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
		fclose($pipes[1]);
		fclose($pipes[2]);
		if (proc_close($p) != 0) {
			fwrite(STDERR, "backfill: rrdtool update $file failed: $err\n");
			exit(1);
		}
	}
	print "$id $file step=$step rows=" . count($rows) . " ds=$nds\n";
}
