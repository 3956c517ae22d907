module shardgw

go 1.19
