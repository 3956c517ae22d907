module querycache

go 1.19
