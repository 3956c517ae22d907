module addrverify

go 1.19
