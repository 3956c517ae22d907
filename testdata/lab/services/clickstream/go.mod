module clickstream

go 1.19
