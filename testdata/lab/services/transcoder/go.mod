module transcoder

go 1.19
