module stockwatch

go 1.19
