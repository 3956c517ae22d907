module mxrelay

go 1.19
