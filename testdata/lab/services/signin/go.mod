module signin

go 1.19
