module uploads

go 1.19
