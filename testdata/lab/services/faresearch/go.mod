module faresearch

go 1.19
