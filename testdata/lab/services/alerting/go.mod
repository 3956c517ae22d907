module alerting

go 1.19
