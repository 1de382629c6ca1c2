"""Everything that changes the data: seed files, `flask seed`, curators' writes, dataset
versions, record revisions, write-back and package import."""
