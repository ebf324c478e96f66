import * as migration_20261125_224022_initial from './20261125_224022_initial';
import * as migration_20261125_230410_listings_and_media from './20261125_230410_listings_and_media';

export const migrations = [
  {
    up: migration_20261125_224022_initial.up,
    down: migration_20261125_224022_initial.down,
    name: '20261125_224022_initial',
  },
  {
    up: migration_20261125_230410_listings_and_media.up,
    down: migration_20261125_230410_listings_and_media.down,
    name: '20261125_230410_listings_and_media'
  },
];
