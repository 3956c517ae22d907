module catalogcache

go 1.19
