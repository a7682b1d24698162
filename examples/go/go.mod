module sockspec.example/go

go 1.19
