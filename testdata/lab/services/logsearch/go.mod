module logsearch

go 1.19
