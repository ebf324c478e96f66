import * as migration_20261125_224022_initial from './20261125_224022_initial';

export const migrations = [
  {
    up: migration_20261125_224022_initial.up,
    down: migration_20261125_224022_initial.down,
    name: '20261125_224022_initial'
  },
];
