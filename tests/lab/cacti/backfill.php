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

/* Pass 2: create and fill, through one `rrdtool -` (a process per file
   costs more than the updates themselves). */
$rrd = proc_open(array('/usr/bin/rrdtool', '-'),
	array(0 => array('pipe', 'r'), 1 => array('pipe', 'w'), 2 => STDERR), $pipes);
if (!is_resource($rrd)) {
	fwrite(STDERR, "backfill: cannot run rrdtool -\n");
	exit(1);
}
function rrd($line) {
	global $pipes;
	fwrite($pipes[0], $line . "\n");
	fflush($pipes[0]);
	while (($answer = fgets($pipes[1])) !== false) {
		if (strncmp($answer, 'OK', 2) == 0) {
			return;
		}
		if (strncmp($answer, 'ERROR', 5) == 0) {
			fwrite(STDERR, 'backfill: rrdtool ' . strtok($line, ' ') . ': ' . $answer);
			exit(1);
		}
	}
	fwrite(STDERR, "backfill: rrdtool - ended\n");
	exit(1);
}

foreach ($ids as $id) {
	$src = rrdtool_function_create($id, true);
	if (!is_string($src) || strpos($src, '--start 0') === false) {
		fwrite(STDERR, "backfill: no create command for local_data_id $id\n");
		exit(1);
	}
	/* "/usr/bin/rrdtool create \\\n FILE \\\n--start 0 --step N \\\n DS:... RRA:..." */
	$src  = trim(preg_replace('/\s+/', ' ', str_replace('\\', ' ', $src)));
	$src  = substr($src, strpos($src, 'create '));
	$step = (int)preg_replace('/.*--step (\d+).*/s', '$1', $src);
	if ($step <= 0) {
		fwrite(STDERR, "backfill: no step for local_data_id $id\n");
		exit(1);
	}
	$start = intdiv($now - $span, $step) * $step;
	$file  = get_data_source_path($id, true);
	if (file_exists($file)) {
		unlink($file);
	}
	rrd(str_replace('--start 0', '--start ' . $start, $src));

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
	foreach (array_chunk($rows, 1000) as $chunk) {
		rrd('update ' . $file . ' ' . implode(' ', $chunk));
	}
	print "$id $file step=$step rows=" . count($rows) . " ds=$nds\n";
}
fclose($pipes[0]);
proc_close($rrd);
