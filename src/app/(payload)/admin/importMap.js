import { ModerationActions as ModerationActions_e849ab02688e488eb9e4022f88759eab } from '../../../components/ModerationActions'
import { ListingCalendarLink as ListingCalendarLink_b48f4726a3a5e087d3fb01cdf32ada46 } from '../../../components/calendar/ListingCalendarLink'
import { RscEntryLexicalCell as RscEntryLexicalCell_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { RscEntryLexicalField as RscEntryLexicalField_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { LexicalDiffComponent as LexicalDiffComponent_44fe37237e0ebf4470c9990d8cb7b07e } from '@payloadcms/richtext-lexical/rsc'
import { InlineToolbarFeatureClient as InlineToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { HorizontalRuleFeatureClient as HorizontalRuleFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UploadFeatureClient as UploadFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { BlockquoteFeatureClient as BlockquoteFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { RelationshipFeatureClient as RelationshipFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { LinkFeatureClient as LinkFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ChecklistFeatureClient as ChecklistFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { OrderedListFeatureClient as OrderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UnorderedListFeatureClient as UnorderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { IndentFeatureClient as IndentFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { AlignFeatureClient as AlignFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { HeadingFeatureClient as HeadingFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ParagraphFeatureClient as ParagraphFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { InlineCodeFeatureClient as InlineCodeFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { SuperscriptFeatureClient as SuperscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { SubscriptFeatureClient as SubscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { StrikethroughFeatureClient as StrikethroughFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { UnderlineFeatureClient as UnderlineFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { BoldFeatureClient as BoldFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { ItalicFeatureClient as ItalicFeatureClient_e70f5e05f09f93e00b997edb1ef0c864 } from '@payloadcms/richtext-lexical/client'
import { OwnLabel as OwnLabel_141a52495a4281924dbede19d2fef9b6 } from '../../../components/OwnLabel'
import { CoverCell as CoverCell_254cd58d006a335d995fd2582ab033cb } from '../../../components/CoverCell'
import { MoneyCell as MoneyCell_39ea8dc06299ad1b6711ce42a963f968 } from '../../../components/MoneyCell'
import { MoneyInput as MoneyInput_1151473a4c1784f4652e8334bd9d9f4d } from '../../../components/MoneyInput'
import { BookingActions as BookingActions_ed5a4e9af4d7785871ffa0b621eea291 } from '../../../components/BookingActions'
import { StayDateInput as StayDateInput_cd260593c5e233acc0f34de2330d9753 } from '../../../components/StayDateInput'
import { BookingTimeline as BookingTimeline_b5397c0878dc25b3d5ae5d8d7ecf29e0 } from '../../../components/BookingTimeline'
import { BookingReceipt as BookingReceipt_16c030c98e43ac2c3f3e708780a4d75c } from '../../../components/BookingReceipt'
import { MoneyField as MoneyField_63f5f818812d527f75ca1d040f6ec8dc } from '../../../components/MoneyField'
import { BookingConversation as BookingConversation_ad1970c4b79b2e02e04dd435995a1860 } from '../../../components/BookingConversation'
import { RunReconciliationButton as RunReconciliationButton_1ef99db6ab8f38166a458d47ff227e94 } from '../../../components/RunReconciliationButton'
import { BrandIcon as BrandIcon_42af45a2e169122dea8a98337d41efda } from '../../../components/Brand'
import { BrandLogo as BrandLogo_42af45a2e169122dea8a98337d41efda } from '../../../components/Brand'
import { CalendarNavLink as CalendarNavLink_72ae3a984a2182d90a0735b8e0d864de } from '../../../components/calendar/CalendarNavLink'
import { S3ClientUploadHandler as S3ClientUploadHandler_f97aa6c64367fa259c5bc0567239ef24 } from '@payloadcms/storage-s3/client'
import { Dashboard as Dashboard_9a680279bc487e655cb510fd8d9dadff } from '../../../components/Dashboard'
import { AllListingsCalendarView as AllListingsCalendarView_1e8b351e400daab218ab2de80c86b784 } from '../../../components/calendar/CalendarViews'
import { ListingCalendarView as ListingCalendarView_1e8b351e400daab218ab2de80c86b784 } from '../../../components/calendar/CalendarViews'
import { CollectionCards as CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1 } from '@payloadcms/next/rsc'

/** @type import('payload').ImportMap */
export const importMap = {
  "/components/ModerationActions#ModerationActions": ModerationActions_e849ab02688e488eb9e4022f88759eab,
  "/components/calendar/ListingCalendarLink#ListingCalendarLink": ListingCalendarLink_b48f4726a3a5e087d3fb01cdf32ada46,
  "@payloadcms/richtext-lexical/rsc#RscEntryLexicalCell": RscEntryLexicalCell_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/rsc#RscEntryLexicalField": RscEntryLexicalField_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/rsc#LexicalDiffComponent": LexicalDiffComponent_44fe37237e0ebf4470c9990d8cb7b07e,
  "@payloadcms/richtext-lexical/client#InlineToolbarFeatureClient": InlineToolbarFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#HorizontalRuleFeatureClient": HorizontalRuleFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UploadFeatureClient": UploadFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#BlockquoteFeatureClient": BlockquoteFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#RelationshipFeatureClient": RelationshipFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#LinkFeatureClient": LinkFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ChecklistFeatureClient": ChecklistFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#OrderedListFeatureClient": OrderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UnorderedListFeatureClient": UnorderedListFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#IndentFeatureClient": IndentFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#AlignFeatureClient": AlignFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#HeadingFeatureClient": HeadingFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ParagraphFeatureClient": ParagraphFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#InlineCodeFeatureClient": InlineCodeFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#SuperscriptFeatureClient": SuperscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#SubscriptFeatureClient": SubscriptFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#StrikethroughFeatureClient": StrikethroughFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#UnderlineFeatureClient": UnderlineFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#BoldFeatureClient": BoldFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "@payloadcms/richtext-lexical/client#ItalicFeatureClient": ItalicFeatureClient_e70f5e05f09f93e00b997edb1ef0c864,
  "/components/OwnLabel#OwnLabel": OwnLabel_141a52495a4281924dbede19d2fef9b6,
  "/components/CoverCell#CoverCell": CoverCell_254cd58d006a335d995fd2582ab033cb,
  "/components/MoneyCell#MoneyCell": MoneyCell_39ea8dc06299ad1b6711ce42a963f968,
  "/components/MoneyInput#MoneyInput": MoneyInput_1151473a4c1784f4652e8334bd9d9f4d,
  "/components/BookingActions#BookingActions": BookingActions_ed5a4e9af4d7785871ffa0b621eea291,
  "/components/StayDateInput#StayDateInput": StayDateInput_cd260593c5e233acc0f34de2330d9753,
  "/components/BookingTimeline#BookingTimeline": BookingTimeline_b5397c0878dc25b3d5ae5d8d7ecf29e0,
  "/components/BookingReceipt#BookingReceipt": BookingReceipt_16c030c98e43ac2c3f3e708780a4d75c,
  "/components/MoneyField#MoneyField": MoneyField_63f5f818812d527f75ca1d040f6ec8dc,
  "/components/BookingConversation#BookingConversation": BookingConversation_ad1970c4b79b2e02e04dd435995a1860,
  "/components/RunReconciliationButton#RunReconciliationButton": RunReconciliationButton_1ef99db6ab8f38166a458d47ff227e94,
  "/components/Brand#BrandIcon": BrandIcon_42af45a2e169122dea8a98337d41efda,
  "/components/Brand#BrandLogo": BrandLogo_42af45a2e169122dea8a98337d41efda,
  "/components/calendar/CalendarNavLink#CalendarNavLink": CalendarNavLink_72ae3a984a2182d90a0735b8e0d864de,
  "@payloadcms/storage-s3/client#S3ClientUploadHandler": S3ClientUploadHandler_f97aa6c64367fa259c5bc0567239ef24,
  "/components/Dashboard#Dashboard": Dashboard_9a680279bc487e655cb510fd8d9dadff,
  "/components/calendar/CalendarViews#AllListingsCalendarView": AllListingsCalendarView_1e8b351e400daab218ab2de80c86b784,
  "/components/calendar/CalendarViews#ListingCalendarView": ListingCalendarView_1e8b351e400daab218ab2de80c86b784,
  "@payloadcms/next/rsc#CollectionCards": CollectionCards_f9c02e79a4aed9a3924487c0cd4cafb1
}
