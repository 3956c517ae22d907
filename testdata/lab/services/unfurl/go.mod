module unfurl

go 1.19
