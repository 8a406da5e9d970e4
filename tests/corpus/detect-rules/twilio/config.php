<?php
return [
  'twilio' => [
    'auth_token' => 'bf8a3965ae17ec92178a62fa8b9584ca',
  ],
];
