module kvrelay

go 1.19
