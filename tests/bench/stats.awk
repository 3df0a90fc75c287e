# Read numbers, one per line; print "n median p99 max" (nearest rank).
{ v[n++] = $1 }
END {
    if (n == 0) { print "0 - - -"; exit }
    # insertion sort: a few thousand values at most
    for (i = 1; i < n; i++) {
        x = v[i]
        for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]
        v[j + 1] = x
    }
    p = int(0.99 * n + 0.999999) - 1
    printf "%d %.1f %.1f %.1f\n", n, v[int((n - 1) / 2)], v[p < 0 ? 0 : p], v[n - 1]
}
