module chatrooms

go 1.19
