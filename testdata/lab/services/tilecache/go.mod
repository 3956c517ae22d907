module tilecache

go 1.19
