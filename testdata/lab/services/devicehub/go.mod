module devicehub

go 1.19
