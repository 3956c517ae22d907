module fxrates

go 1.19
