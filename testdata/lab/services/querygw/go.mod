module querygw

go 1.19
