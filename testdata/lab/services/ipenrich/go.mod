module ipenrich

go 1.19
