module payroll

go 1.19
