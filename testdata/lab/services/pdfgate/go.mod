module pdfgate

go 1.19
