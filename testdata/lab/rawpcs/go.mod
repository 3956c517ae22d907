module reportcache

go 1.19
