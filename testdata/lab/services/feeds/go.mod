module feeds

go 1.19
