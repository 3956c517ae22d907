module bigcore

go 1.19
