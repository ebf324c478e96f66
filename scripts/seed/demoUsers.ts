import type { Role } from '@/domain/roles'

/** Shared by every demo account so quickstart can print one password. Never use in production. */
export const DEMO_PASSWORD = 'staybase-demo-2026'

export type DemoUser = { email: string; name: string; roles: Role[]; bio?: string; phone?: string }

export const DEMO_USERS: DemoUser[] = [
  { email: 'admin@staybase.local', name: 'Ada Admin', roles: ['admin'] },
  {
    email: 'maria.host@staybase.local',
    name: 'Maria Rossi',
    roles: ['host'],
    bio: 'Hosting cabins and lake houses in the Alps since 2015.',
    phone: '+41 79 555 01 01',
  },
  {
    email: 'kenji.host@staybase.local',
    name: 'Kenji Sato',
    roles: ['host'],
    bio: 'City apartments in Lisbon and Porto, always with fast wifi.',
    phone: '+351 91 555 0202',
  },
  { email: 'alex.guest@staybase.local', name: 'Alex Morgan', roles: ['guest'], bio: 'Weekend hiker.' },
  { email: 'sam.guest@staybase.local', name: 'Sam Lee', roles: ['guest'] },
]
