  puts(
"    A .netrc file can hold your user name and password:\n"
"    machine host.domain.com login myself password mysecret\n"
"\n"
);
