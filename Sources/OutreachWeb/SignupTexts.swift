/// The sentences of the sign-up and preference pages that the code chooses (the rest is in the
/// page templates): the consent sentence, recorded word for word with each sign-up, and the
/// messages that name a field to correct. Six languages each.
enum SignupTexts {
    /// Which version of the sign-up form a consent was given on (recorded as evidence).
    static let formVersion = "join-v1"

    /// The consent sentence shown next to the box the visitor ticks, as it is recorded.
    static let consentSentence: [String: String] = [
        "vi": "Tôi đồng ý nhận thư mời qua email của Sở Ngoại vụ thành phố Cần Thơ về các sự kiện đã chọn, và biết rằng có thể hủy đăng ký bất cứ lúc nào bằng đường liên kết trong mỗi thư.",
        "en": "I agree to receive email invitations from the Department of Foreign Affairs of Cần Thơ City to the events I chose, and I know I can unsubscribe at any time with the link in every message.",
        "fr": "J’accepte de recevoir par courriel les invitations du Service des Affaires étrangères de la ville de Cần Thơ aux événements choisis, et je sais que je peux me désinscrire à tout moment grâce au lien présent dans chaque message.",
        "ko": "껀터시 외무국이 선택한 행사에 대한 초청장을 이메일로 보내는 것에 동의하며, 모든 메일에 있는 링크로 언제든지 수신을 거부할 수 있음을 알고 있습니다.",
        "ja": "カントー市外務局から、選択したイベントへの招待状をメールで受け取ることに同意します。各メールのリンクからいつでも配信を停止できることを理解しています。",
        "zh": "我同意通过电子邮件接收芹苴市外务厅关于所选活动的邀请，并知悉可随时通过每封邮件中的链接退订。",
    ]

    /// What went wrong with a form, each naming the field to correct.
    enum Problem: String {
        case email, consent, proof, tooMany, country, pauseDate, name
    }

    static let problems: [Problem: [String: String]] = [
        .email: [
            "vi": "Địa chỉ email chưa đúng. Xin kiểm tra lại ô “Email”.",
            "en": "The email address is not valid. Please check the “Email” field.",
            "fr": "L’adresse électronique n’est pas valide. Veuillez vérifier le champ « Courriel ».",
            "ko": "이메일 주소가 올바르지 않습니다. ‘이메일’ 칸을 확인해 주십시오.",
            "ja": "メールアドレスが正しくありません。「メールアドレス」欄をご確認ください。",
            "zh": "电子邮箱地址无效，请检查“电子邮箱”一栏。",
        ],
        .consent: [
            "vi": "Xin đánh dấu vào ô đồng ý nhận thư mời để hoàn tất đăng ký.",
            "en": "Please tick the consent box to sign up.",
            "fr": "Veuillez cocher la case de consentement pour vous inscrire.",
            "ko": "신청하시려면 동의 칸에 표시해 주십시오.",
            "ja": "登録するには、同意のチェックボックスにチェックを入れてください。",
            "zh": "请勾选同意框以完成订阅。",
        ],
        .proof: [
            "vi": "Chưa kiểm tra xong để phân biệt người dùng với máy tự động. Xin chờ thông báo “Đã kiểm tra xong” rồi gửi lại.",
            "en": "The check that you are not an automated program did not finish. Please wait until it says it is done, then send the form again.",
            "fr": "La vérification que vous n’êtes pas un programme automatique n’a pas abouti. Attendez qu’elle soit terminée, puis renvoyez le formulaire.",
            "ko": "자동 프로그램이 아님을 확인하는 과정이 끝나지 않았습니다. 확인이 끝났다는 안내가 나오면 다시 보내 주십시오.",
            "ja": "自動プログラムでないことの確認が完了していません。完了の表示を待ってから、もう一度送信してください。",
            "zh": "“非自动程序”验证尚未完成。请等待验证完成的提示后再次提交。",
        ],
        .tooMany: [
            "vi": "Đã có quá nhiều lượt đăng ký từ mạng của Quý vị trong một giờ qua. Xin thử lại sau.",
            "en": "There have been too many sign-ups from your network in the last hour. Please try again later.",
            "fr": "Trop d’inscriptions ont été envoyées depuis votre réseau au cours de la dernière heure. Veuillez réessayer plus tard.",
            "ko": "지난 한 시간 동안 귀하의 네트워크에서 너무 많은 신청이 있었습니다. 잠시 후 다시 시도해 주십시오.",
            "ja": "この1時間に、お使いのネットワークからの登録が多すぎます。しばらくしてから再度お試しください。",
            "zh": "过去一小时内来自您所在网络的订阅申请过多，请稍后再试。",
        ],
        .country: [
            "vi": "Ô “Quốc gia” cần mã hai chữ cái, ví dụ FR, KR, JP.",
            "en": "The “Country” field needs a two-letter code, for example FR, KR, JP.",
            "fr": "Le champ « Pays » attend un code de deux lettres, par exemple FR, KR, JP.",
            "ko": "‘국가’ 칸에는 FR, KR, JP와 같은 두 글자 코드를 입력해 주십시오.",
            "ja": "「国」欄には FR、KR、JP のような2文字のコードを入力してください。",
            "zh": "“国家”一栏请填写两个字母的代码，例如 FR、KR、JP。",
        ],
        .pauseDate: [
            "vi": "Ô “Tạm ngừng đến ngày” cần một ngày hợp lệ, hoặc để trống.",
            "en": "The “Pause until” field needs a real date, or leave it empty.",
            "fr": "Le champ « Suspendre jusqu’au » attend une date valide, ou laissez-le vide.",
            "ko": "‘일시 중지 종료일’ 칸에는 올바른 날짜를 입력하거나 비워 두십시오.",
            "ja": "「配信停止の終了日」欄には正しい日付を入力するか、空欄にしてください。",
            "zh": "“暂停至”一栏请填写有效日期，或留空。",
        ],
        .name: [
            "vi": "Tên quá dài (tối đa 200 ký tự).",
            "en": "The name is too long (200 characters at most).",
            "fr": "Le nom est trop long (200 caractères au plus).",
            "ko": "이름이 너무 깁니다(최대 200자).",
            "ja": "お名前が長すぎます（200文字まで）。",
            "zh": "姓名过长（最多200个字符）。",
        ],
    ]

    static func problem(_ p: Problem, _ language: String) -> String { problems[p]?[language] ?? problems[p]?["en"] ?? "" }
}
