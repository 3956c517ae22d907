module gomemdx.bench/gen_heap

go 1.22
