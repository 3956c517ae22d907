module streammux

go 1.19
