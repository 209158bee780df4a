-- Run once by the postgres image on an empty data volume: Keycloak's own database beside Holon's.
CREATE DATABASE keycloak;
