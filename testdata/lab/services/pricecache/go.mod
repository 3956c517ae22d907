module pricecache

go 1.19
