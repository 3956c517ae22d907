module invoices

go 1.19
