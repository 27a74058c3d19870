package ui

// AnsiFit exposes fitLines to the external tests.
var AnsiFit = fitLines
