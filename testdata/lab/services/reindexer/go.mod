module reindexer

go 1.19
