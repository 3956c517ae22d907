module setframes

go 1.19
