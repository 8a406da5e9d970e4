<?php
$wgSitename = "Wiki";
$wgSecretKey = "4d150e758d44972a516eca0044927bb2cdba7941bb8a781c882fb46b189916f2";
