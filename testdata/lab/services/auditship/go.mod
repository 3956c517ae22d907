module auditship

go 1.19
