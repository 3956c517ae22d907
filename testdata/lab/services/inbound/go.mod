module inbound

go 1.19
