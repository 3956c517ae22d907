module smsgate

go 1.19
