module hotelsearch

go 1.19
