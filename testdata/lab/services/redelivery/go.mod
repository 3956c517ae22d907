module redelivery

go 1.19
