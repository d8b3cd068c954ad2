module shimscope.dev/gosys

go 1.19
