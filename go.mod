module qiwidash

go 1.26.8
