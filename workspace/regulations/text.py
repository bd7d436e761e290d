"""The text of the regulations, R-1 to R-7 of RULES.md, in Chinese (from
source-regulations.zh.txt) and English, as data rather than gettext: each text is long and is
read as a whole. `{name}` placeholders are the office's settings (see rulebook.office_values);
a line starting with "- " is a point of a list."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    number: str  # "3.2", the rule's number in RULES.md without the "R-"
    zh: str
    en: str


@dataclass(frozen=True)
class Section:
    number: int
    zh: str  # the short title, also used by citations: "依据：首问负责制 第3.2条"
    en: str
    items: tuple[Item, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        1,
        "客户登记制度",
        "Customer registration",
        (
            Item(
                "1.1",
                "客户以手机号码识别：只看数字，空格和连字符不计，13 位号码开头的 +86、0086 或 86 "
                "去掉。大陆手机号为以 1 开头的 11 位数字；其他号码连同国家代码保存。在本售楼处，"
                "同一号码只对应一位客户：两位秘书同时登记同一号码，也只会产生一位客户，不会出错。",
                "A customer is known by their mobile number: only the digits count (spaces and "
                "dashes are ignored), and a leading +86, 0086 or 86 on a 13-digit number is "
                "dropped. Mainland mobiles are 11 digits starting with 1; other numbers are kept "
                "with their country code. In this office one number is one customer: two "
                "secretaries registering the same number at the same moment produce one "
                "customer, never two and never an error.",
            ),
            Item(
                "1.2",
                "每次登记都记录登记时间、登记人和客户的信息来源渠道（客户如何得知本项目，从经理"
                "维护的清单中选择：报纸、网络广告、户外广告牌、老客户介绍、路过、电话等）。登记时间"
                "是客户归属（第3条）和业绩归属（第5条）的依据，不能修改，只能由销售经理写明理由后"
                "作废。",
                "Every registration records when, by whom, and the source channel: how the "
                "customer heard of the office, from a list the manager keeps (newspaper, online "
                "ad, billboard, referral, passing by, phone …). The registration time is the "
                "basis of ownership (section 3) and credit (section 5); it can never be edited, "
                "only voided by a manager with a reason.",
            ),
            Item(
                "1.3",
                "来访客户在前台登记，在置业顾问接待之前或接待的同时完成。置业顾问在电话中或在售楼处"
                "以外接触到新客户，应立即自行登记（规则相同）。",
                "A walk-in is registered at the desk, before or while the salesperson receives "
                "them. A salesperson who talks to a new customer on the phone or outside the "
                "office registers them at once (same rules).",
            ),
            Item(
                "1.4",
                "查找客户：前台秘书、销售经理和销售总监可按姓名或电话号码的任意部分查找客户。置业"
                "顾问按姓名或部分号码只能查到自己名下的客户；其他客户只能输入完整号码查找（足以知道"
                "该客户是否已有归属，见第5.3条），因此任何查询组合都不会泄露其无权查看的号码。",
                "Finding customers: the secretary, managers and directors search by name and by "
                "any part of the phone number. A salesperson finds by name or part of the number "
                "only the customers they hold; any other customer only by the full number "
                "(enough to learn whether someone holds them, 5.3), so that no series of "
                "searches reveals a number they may not see.",
            ),
        ),
    ),
    Section(
        2,
        "接待与轮值制度",
        "Reception and rotation",
        (
            Item(
                "2.1",
                "客户到访时，前台秘书按电话号码查找客户（也可按姓名或部分号码）。由谁接待由系统"
                "决定，而不是秘书，并显示原因：\n"
                "- 客户（或其家庭成员，见第4条）已有保护中的归属或已成交：由归属置业顾问接待，并"
                "通知其本人；\n"
                "- 客户说出曾联系过的置业顾问，且无人持有保护中的归属：由该置业顾问接待（不占轮"
                "值），客户自此刻起归属于他；\n"
                "- 有有效的老客户介绍（第4.3条）：由介绍人的归属置业顾问接待；\n"
                "- 其他情况（包括客户说联系过但已忘记姓名）视为新客户：由轮值中的下一位置业顾问"
                "接待。\n"
                "客户说出的是甲、而保护中的归属属于乙时，由乙接待，来访记录注明客户说出了甲（可能"
                "产生争议，见第5.6条）。",
                "At the desk the secretary looks the customer up by phone (name and part of the "
                "phone also search). The system, not the secretary, decides who receives the "
                "customer, and shows why:\n"
                "- the customer (or a member of their household, section 4) has an active claim "
                "or a deal: its owner receives them and is notified;\n"
                "- the customer names a salesperson they dealt with, and nobody holds an active "
                "claim: that salesperson receives them (no rotation turn is used) and a claim "
                "starts for them now;\n"
                "- a valid referral exists (4.3): the referrer's salesperson;\n"
                "- otherwise the customer is new (also when they say they dealt with someone but "
                "forgot the name): the next salesperson in the rotation.\n"
                "Where the customer names X but Y holds the active claim, Y receives them and the "
                "visit records that the customer named X (a possible dispute, 5.6).",
            ),
            Item(
                "2.2",
                "轮值表：销售经理按售楼处和日期设定当天参加轮值的置业顾问及其顺序。系统记录下一位"
                "轮到谁，并为每人记录欠轮次数。每天从当天顺序的第一位开始；欠轮次数延续到此人下一次"
                "在轮值表上的日子。每人的状态（空闲、接待中、因私外出、因公外出）只在本人、秘书或"
                "经理设置时改变；被分配客户本身不会使人变为“接待中”。",
                "The duty roster: a manager sets, per office and day, which salespeople are on "
                "rotation and in what order. The queue keeps whose turn is next and, per person, "
                "a count of owed turns. Each day starts with the first person of that day's "
                "order; owed turns carry over to the person's next day on the roster. A person's "
                "status (available, busy, away for private reasons, away on business) changes "
                "only when someone sets it: the person, the secretary or the manager. Being "
                "assigned a customer does not by itself make anyone busy.",
            ),
            Item(
                "2.3",
                "需要为新客户安排置业顾问时，从当前轮到的人开始：\n"
                "- 空闲：由此人接待。如有欠轮，用掉一次欠轮，下一位仍是此人；否则轮到下一位；\n"
                "- 因私事外出：失去本次轮值机会，不接客户，也不记欠轮，轮到下一位；\n"
                "- 因公事外出，或正在接待其他客户：本次跳过，欠轮加一次（累计到下次轮值），轮到"
                "下一位；\n"
                "- 轮值表上无人空闲：来访进入“待分配”列表，秘书和销售经理都能看到，由销售经理"
                "分配。",
                "When a new customer needs a salesperson, start with the person whose turn it is:\n"
                "- available: this person receives the customer. If they have owed turns, one is "
                "used and the turn stays with them; otherwise it moves to the next person;\n"
                "- away for private reasons: they lose this turn (no customer, no owed turn); "
                "move on;\n"
                "- away on company business, or busy receiving another customer: skipped now, "
                "owed turns +1; move on;\n"
                "- if nobody on the roster is available, the visit waits in the unassigned list, "
                "seen by the secretary and the manager; the manager assigns it.",
            ),
            Item(
                "2.4",
                "每次分配都保存其依据：适用的规则（归属、客户指定、老客户介绍、轮值、经理分配）、"
                "跳过了谁及原因、是否用掉了欠轮。秘书不能自选置业顾问；只有销售经理可以改派，且须"
                "写明理由，改派保留在历史记录中。（原制度规定秘书故意错分客户予以除名；在本系统中"
                "错分无从发生，每次改派都有记录。）",
                "Each assignment keeps its explanation: the rule that applied (owner, named, "
                "referral, rotation, manager), who was skipped and why, and whether an owed turn "
                "was used. The secretary cannot pick a salesperson; only a manager can override "
                "an assignment, with a written reason, and the override stays in the history. "
                "(The original regulations dismiss a secretary who deliberately mis-assigns; "
                "here mis-assignment is impossible and every override is on record.)",
            ),
            Item(
                "2.5",
                "来客超过 {large_party_size} 人而又不是一家的，不按轮值分配：交由销售经理安排。",
                "A party of more than {large_party_size} visitors who are not one household is "
                "not assigned by rotation: the visit goes to the manager, who assigns it.",
            ),
            Item(
                "2.6",
                "来做市场调查的来访者：接待的置业顾问标记该来访；秘书确认（须由置业顾问与来访者"
                "一同在前台说明来意）；销售总监批准；批准后该置业顾问获得一次欠轮（补客户）。此类"
                "来访者不计入客户转化统计。",
                "Market-research visitors: the receiving salesperson flags the visit; the "
                "secretary confirms it (the salesperson and the visitor state it together at the "
                "desk); the director approves; on approval the salesperson gets one owed turn. "
                "The visitor does not count as a customer in conversion figures.",
            ),
            Item(
                "2.7",
                "电话接听与登记：秘书登记每一个来电。已有保护中归属的客户来电，转给归属置业顾问"
                "接听（有记录）。新客户来电由秘书接听，记录客户信息并邀请其来售楼处；该客户成为"
                "已登记、无归属的客户（不建立归属，不占轮值），直到其到访。非客户来电须登记来电"
                "时间、来电人、接电人和电话内容。",
                "Hotline calls: the secretary registers each call. A caller with an active claim "
                "is put through to the owner (recorded). A new caller is answered by the "
                "secretary, who records their details and invites them to visit; the caller "
                "becomes a registered customer nobody holds (no claim, no rotation turn) until "
                "they visit. Non-customer calls are logged with time, caller, who answered and "
                "what was said.",
            ),
            Item(
                "2.8",
                "每天汇总前台数据：来访批次、新客户、老客户、客户来电、非客户来电，均按来源渠道"
                "统计，交销售助理，并用于渠道评估报表（第7.6条）。",
                "Every day the front desk's counts are compiled: walk-in parties, new customers, "
                "returning customers, customer calls and non-customer calls, each by source "
                "channel. They go to the sales assistant and feed the channel evaluation (7.6).",
            ),
        ),
    ),
    Section(
        3,
        "首问负责制",
        "First-contact ownership",
        (
            Item(
                "3.1",
                "客户归属把一个家庭与一位置业顾问联系起来。归属自登记时开始（第2.1条中客户指定、"
                "老客户介绍、轮值三种情况，或置业顾问自行登记，第1.3条），由该置业顾问负责到底，"
                "直到成交（首问负责制）。家庭的归属在保护中或已成交时，即为“有归属”：本制度关于"
                "保护中归属的规定（第2.1、4.2、5.3条）同样适用于已成交的客户；已成交家庭的归属"
                "只能由销售经理裁决改变（第5.6条）。通过来电登记的客户在到访之前没有归属（第2.7"
                "条），置业顾问不能自行登记该客户。",
                "A claim links one household to one salesperson. It starts at registration (in "
                "2.1 when the customer names a salesperson, by referral or by rotation, or by a "
                "salesperson's own registration, 1.3) and makes that salesperson responsible "
                "until a deal. A household is held while its claim is active or a deal: "
                "everything these rules say of an active claim (2.1, 4.2, 5.3) holds for a deal "
                "too, and a deal's household moves only by a manager's ruling (5.6). A customer "
                "registered by a hotline call stays unowned until they visit (2.7): a "
                "salesperson's own registration of them is refused.",
            ),
            Item(
                "3.2",
                "两次有效联系之间的间隔不超过 {protection_days} 天，归属即保持保护。有效联系是指"
                "归属置业顾问接待的来访，或归属置业顾问登记的跟进（电话、拜访、短信、面谈），且有"
                "文字记录。具体地说：以最后一次有效联系的当地日期为基准，归属保护至其后第 "
                "{protection_days} 天当天结束，于其后第 {release_day} 天 00:00 释放。例如：最后一次"
                "联系在 2026-03-02 15:00，保护至 {example_end} 23:59:59，{example_release} 00:00 "
                "释放。",
                "A claim stays active while the gap between qualifying contacts never exceeds "
                "{protection_days} days. A qualifying contact is a visit received by the owner, "
                "or a follow-up logged by the owner (call, visit, message, meeting) with a "
                "written note. Precisely: with the last qualifying contact on local day D, the "
                "claim is protected through the end of day D+{protection_days} and released at "
                "00:00 of day D+{release_day}. Example: last contact 2026-03-02 15:00, protected "
                "through {example_end} 23:59:59, released {example_release} 00:00.",
            ),
            Item(
                "3.3",
                "保护期一过，归属即视为已释放（即使系统的定时任务尚未运行）；系统至少每小时把过期的"
                "归属正式释放，并逐一记录释放事件。恰在释放那一刻登记的跟进，要么延长保护期，要么"
                "被拒绝并提示“该客户归属已释放”，不会两者兼有，也不会丢失。",
                "A claim past its protection end is treated as released at once, even before the "
                "system's hourly job has run; that job makes the release permanent and records "
                "it. A follow-up logged at the very moment of release either extends the claim "
                "or is refused with \u201cclaim already released\u201d, never both and never "
                "lost.",
            ),
            Item(
                "3.4",
                "已释放的客户视为新客户：下次来访或来电时重新按第2条安排，通常由轮值接待。销售经理"
                "可查看已释放客户列表，并可写明理由改派。",
                "A released customer is treated as new: the next time they visit or call they "
                "go through section 2 again, usually to the rotation. Managers see a list of "
                "released customers and may give one to a salesperson, with a reason.",
            ),
            Item(
                "3.5",
                "每天早上，系统在应用内（已设置邮箱的同时发邮件）提醒置业顾问：其名下保护期将在 "
                "{warning_days} 天内结束的客户。",
                "Each morning salespeople are warned in the app (and by e-mail where set up) of "
                "their claims whose protection ends within {warning_days} days.",
            ),
            Item(
                "3.6",
                "目标而非规定：每位客户每周至少通话 {weekly_call_target} 次；工作日记和报表显示每位"
                "置业顾问的达标情况。",
                "A target, not a rule: at least {weekly_call_target} follow-up calls per customer "
                "per week; the diary and the reports show each salesperson's rate.",
            ),
            Item(
                "3.7",
                "客户交纳认购金（第6.3条）后，归属转为已成交，不再到期。",
                "When a subscription deposit is paid (6.3) the claim becomes a deal and no "
                "longer expires.",
            ),
            Item(
                "3.8",
                "作废的跟进不计入；保护期重新计算，可能因此已经结束（此时归属即被释放）。",
                "A voided follow-up does not count; the claim's protection end is recomputed "
                "and may move into the past (then the claim is released).",
            ),
            Item(
                "3.9",
                "跟进按实际发生的时间登记：现在，或当天、前一天的较早时间（补登的电话），不能是"
                "将来，也不能早于归属开始。其他带日期的记录（工作日记、休假、报表）只接受从本售楼处"
                "开业之日到明年年底之间的日期。",
                "A follow-up is logged when it happened: now, or earlier the same or the "
                "previous day (a call logged late), never in the future and never before the "
                "claim began. Other records with a date (diaries, days off, reports) accept only "
                "dates from the office's opening to the end of next year.",
            ),
        ),
    ),
    Section(
        4,
        "家庭与老客户介绍",
        "Households and referrals",
        (
            Item(
                "4.1",
                "直系亲属（夫妻、父母和子女）视为同一客户，即同一家庭。归属和业绩属于家庭：以任何"
                "家庭成员的名义成交，业绩都归该家庭的归属置业顾问。",
                "Immediate family (spouse, parents, children) form one household. A claim, and "
                "credit, belong to the household: a deal signed in any member's name credits the "
                "household's owner.",
            ),
            Item(
                "4.2",
                "关联两位各有保护中归属、且归属于不同置业顾问的客户时：登记较早的一方保留家庭；"
                "另一方的归属以“合并”结束，并自动为销售经理发起一项争议。置业顾问只能关联自己名下"
                "的客户，或把无人归属的客户关联到自己名下的客户；若关联会并入他人名下（保护中或已"
                "成交）的家庭，则不改变任何归属，而是为销售经理发起一项争议。已成交的归属不会因"
                "合并而结束。",
                "Linking two customers who each have an active claim with different owners: the "
                "earlier registration keeps the household; the other claim is closed as merged, "
                "and a dispute is opened for the manager automatically. A salesperson links only "
                "customers they hold, or a customer nobody holds to one they hold; a link that "
                "would join a household held by someone else (active or a deal) moves nothing "
                "and opens a dispute for the manager. A deal is never closed as merged.",
            ),
            Item(
                "4.3",
                "老客户介绍的新客户，必须由老客户亲自带来（来访时记录），或事先在前台登记（到访前"
                "登记电话和姓名），才算介绍。此时新客户归老客户的归属置业顾问（保护中或已成交）；"
                "否则一律按新客户处理。",
                "A referral by an existing customer counts only if the referrer brings the new "
                "customer in person (recorded at the visit) or registered them at the desk "
                "beforehand (phone and name, before the visit). Then the new customer goes to "
                "the salesperson who holds the referrer's claim or deal; otherwise they are "
                "treated as new.",
            ),
        ),
    ),
    Section(
        5,
        "业绩归属",
        "Credit and disputes",
        (
            Item(
                "5.1",
                "客户登记和跟进记录是判断业绩归属的唯一依据。",
                "The registration and follow-up records are the only basis for credit.",
            ),
            Item(
                "5.2",
                "家庭成交时，业绩归交纳认购金时该家庭保护中归属的置业顾问，无论当天是谁接待或签的"
                "文件。",
                "When a household signs a deal, credit goes to the owner of the household's "
                "active claim at the time of the deposit, whoever received the customer that "
                "day or signed the paperwork.",
            ),
            Item(
                "5.3",
                "置业顾问登记他人保护中的客户时会被拒绝，系统告知该客户归属于谁、保护到何时（不显示"
                "其跟进内容），并把这次尝试记录为撞单。",
                "A salesperson who tries to register a customer under someone else's active "
                "claim is refused, told whose claim it is and until when (not its notes), and "
                "the attempt is recorded as a collision.",
            ),
            Item(
                "5.4",
                "归属置业顾问不在时，任何同事、销售经理或秘书都可以代为接待或代为签约收款；业绩仍归"
                "归属置业顾问。",
                "When the owner is absent, any colleague, the manager or the secretary may "
                "receive the customer or sign on the owner's behalf; credit stays with the "
                "owner.",
            ),
            Item(
                "5.5",
                "客户交纳认购金即产生佣金分配权；如客户之后退定，不论何种原因，获得业绩的置业顾问"
                "仍享有合同额的提成权。",
                "The commission right begins when the deposit is paid; if the customer later "
                "withdraws, for whatever reason, the credited salesperson keeps the commission "
                "right on the contract amount.",
            ),
            Item(
                "5.6",
                "争议：置业顾问可以就某位客户或某笔成交发起争议。销售经理查看完整的证据时间线（登记、"
                "来访、来电、跟进、工作日记、归属事件、改派），写明理由作出裁决；裁决可以改变归属"
                "或业绩。裁决为最终结果，保留在系统和历史记录中。",
                "Disputes: a salesperson can open a dispute on a customer or a deal. The manager "
                "sees the full evidence timeline (registrations, visits, calls, follow-ups, "
                "diary entries, claim events, overrides) and rules, with a written reason; a "
                "ruling may move a claim or credit. Rulings are final and stay in the history.",
            ),
            Item(
                "5.7",
                "两位客户想买同一套房源时，以先交定金或房款者为先；系统保证只有一位能成功。",
                "Two customers wanting the same unit: the first to pay a deposit (or the price) "
                "gets it; the system guarantees one winner.",
            ),
        ),
    ),
    Section(
        6,
        "房源、封号与认购",
        "Units, holds and deposits",
        (
            Item(
                "6.1",
                "房源信息包括：项目、楼栋、房号、楼层、户型、面积、朝向、标价和状态（可售、封号中、"
                "已认购、已签约）。",
                "A unit has its project, building, unit number, floor, layout, area, "
                "orientation, list price and status (available, held, subscribed, contracted).",
            ),
            Item(
                "6.2",
                "客户犹豫不决时，可交封号费 {holding_fee} 元（只收这一金额），为其保留一套房源 "
                "{hold_hours} 小时。封号期间，其他人不能封号或认购该房源（优先购买权）。封号期满"
                "客户仍未认购的，封号失效，房源恢复可售，封号费如数退还（生成退款记录交财务）。客户"
                "认购的，封号费抵作认购金。",
                "A hesitating customer may pay a holding fee of {holding_fee} yuan (that amount, "
                "never another) that holds one unit for them for {hold_hours} hours. During the "
                "hold nobody else can hold or subscribe the unit (priority purchase right). At "
                "the end of the hold, if the holder has not subscribed, the hold lapses, the "
                "unit is available again and the fee is refunded in full (a refund for finance "
                "to pay). If the holder subscribes, the fee counts toward the deposit.",
            ),
            Item(
                "6.3",
                "客户决定购买的，交纳认购金（定金），至少 {minimum_deposit} 元，上不封顶，并签订"
                "内部认购协议（有编号，可打印）。房源变为已认购，归属转为已成交（第3.7条）。",
                "A customer who decides pays a subscription deposit of at least "
                "{minimum_deposit} yuan, with no upper limit, and signs an internal subscription "
                "agreement (numbered, printable). The unit becomes subscribed and the claim "
                "becomes a deal (3.7).",
            ),
            Item(
                "6.4",
                "随后签订合同并约定付款计划；系统列出应收余款，在款项到期前 {chase_days} 天内提醒"
                "置业顾问催促客户将余款付清。",
                "The contract follows with a payment schedule; the system lists the balances "
                "due and, {chase_days} days before an instalment is due, reminds the "
                "salesperson to chase the payment.",
            ),
        ),
    ),
    Section(
        7,
        "工作日记、例会与报告",
        "Diary, meetings and reports",
        (
            Item(
                "7.1",
                "每位置业顾问每天 {diary_deadline} 前提交工作日记：接待来电、来访记录、客户跟进、"
                "客户信息反馈、工作中遇到的问题，以及销售经理的批复。系统根据当天登记的内容预先"
                "填写活动部分，置业顾问补充其余内容。",
                "Every salesperson submits a daily work diary before {diary_deadline}: calls and "
                "visits received, follow-ups, customer feedback, problems met, and the "
                "manager's reply. The system fills in the activity from what was logged that "
                "day; the salesperson adds the rest.",
            ),
            Item(
                "7.2",
                "工作日记在 {diary_deadline} 之后提交，或当天结束仍未提交，即为一次违规。罚款在同一"
                "自然月内递增：第一次 {fine_step} 元，第二次 {fine_step_2} 元，第三次 "
                "{fine_step_3} 元，依次类推。销售经理可写明理由免除罚款。除日历中标记为休假或"
                "休息的日子外，每位置业顾问每天都须提交工作日记；当天不在轮值表上不能免交。",
                "A diary submitted after {diary_deadline}, or not at all by the end of the day, "
                "is an offence. Fines escalate within a calendar month: {fine_step} yuan for the "
                "first, {fine_step_2} for the second, {fine_step_3} for the third, and so on. A "
                "manager may waive a fine with a reason. Every salesperson owes a diary every "
                "day except days marked as leave or rest in their calendar; being off the day's "
                "rotation roster does not excuse it.",
            ),
            Item(
                "7.3",
                "每天 {meeting_time} 召开例会：秘书做会议记录；各置业顾问的工作日记是例会的材料；"
                "例会上不能解决的问题，当天上报公司高层领导（标记并跟踪）。",
                "The daily meeting at {meeting_time}: the secretary records minutes; each "
                "salesperson's diary is the meeting's input; problems the meeting cannot solve "
                "are raised with company leadership the same day (marked and tracked).",
            ),
            Item(
                "7.4",
                "周报：每位置业顾问每{weekly_report_day} {report_deadline} 前提交；月报：每月最后"
                "一天 {report_deadline} 前提交。报表包括系统汇总的接待统计和业绩统计两部分，以及"
                "文字总结。销售经理给销售总监的周报汇总全组情况。",
                "Weekly report: each salesperson by {weekly_report_day} {report_deadline}; "
                "monthly report by the last day of the month, {report_deadline}. Each has a "
                "reception-statistics part and a performance part compiled by the system, and a "
                "written part. The manager's weekly report to the director covers the team.",
            ),
            Item(
                "7.5",
                "报表由系统定时汇总，可随时打开任一期间的报表；每张表格都可以下载为 Excel 文件。",
                "Reports are compiled by the system and can be opened at any time for any "
                "period; every table can be downloaded as an Excel file.",
            ),
            Item(
                "7.6",
                "渠道评估报表：按来源渠道和期间统计新客户、来访、封号、认购及金额，作为销售方案及"
                "广告宣传方案调整的依据。",
                "The channel evaluation: per source channel and period, new customers, visits, "
                "holds, subscriptions and amount, so that advertising can be adjusted.",
            ),
        ),
    ),
)
