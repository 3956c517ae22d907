module productcache

go 1.19
